"""The test suite: the README's second quick-start command runs it (see docs/development.md).

Compiled modules are kept beside their sources, in the git-ignored ``__pycache__`` folders, even
where PYTHONDONTWRITEBYTECODE asks otherwise: without them every test process compiles the service
anew and pytest rewrites the assertions of every test module anew, at every run, seconds of CPU per
process. The processes the tests start read what was written.
"""

import sys

sys.dont_write_bytecode = False
