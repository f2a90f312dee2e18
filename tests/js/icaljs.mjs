// Mozilla's ical.js (the parser inside Thunderbird) for the test suite: one node process per test
// process answers requests for as long as its input stays open, one JSON line in, one JSON line out.
//   {"parse": [document, ...]}  → {"ok": [result, ...]}: each document's name, event count and
//     events (UIDs, summaries, starts, ends, statuses, categories, alarms and when they ring);
//   {"occurrences": document, "first": "YYYY-MM-DD", "last": "YYYY-MM-DD"} → {"ok": [occurrence, ...]}:
//     the occurrences ical.js expands in that window of days (series with their RRULE/RDATE/EXDATE,
//     overrides related to their series by RECURRENCE-ID);
// and {"error": "..."} when ical.js throws. Each document is read as if it were alone: the zones
// registered by one are forgotten before the next.
import readline from "node:readline";
import ICAL from "ical.js";

function component(text) {
  ICAL.TimezoneService.reset(); // a document sees only its own VTIMEZONEs
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  return root;
}

function parse(text) {
  const root = component(text);
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      start: event.startDate.toString(),
      end: event.endDate ? event.endDate.toString() : null,
      isDate: event.startDate.isDate,
      zone: event.startDate.zone ? event.startDate.zone.tzid : null,
      status: vevent.getFirstPropertyValue("status"),
      sequence: event.sequence,
      categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
      alarms: vevent.getAllSubcomponents("valarm").map((a) => a.getFirstPropertyValue("trigger").toString()),
      // When each relative alarm rings: the start (a DATE reads as local midnight) plus its trigger.
      rings: vevent.getAllSubcomponents("valarm").map((a) => {
        const at = event.startDate.clone();
        at.isDate = false;
        at.addDuration(a.getFirstPropertyValue("trigger"));
        return at.toString();
      }),
    };
  });
  return { name: root.getFirstPropertyValue("x-wr-calname"), count: events.length, events };
}

function occurrences(text, firstDay, lastDay) {
  const root = component(text);
  const [first, last] = [firstDay, lastDay].map((day) => ICAL.Time.fromDateString(day));
  const end = last.clone();
  end.addDuration(ICAL.Duration.fromData({ days: 1 }));
  const masters = new Map();
  const overrides = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    if (vevent.hasProperty("recurrence-id")) overrides.push(vevent);
    else masters.set(vevent.getFirstPropertyValue("uid"), new ICAL.Event(vevent));
  }
  for (const vevent of overrides) {
    const master = masters.get(vevent.getFirstPropertyValue("uid"));
    if (master) master.relateException(vevent);
  }
  const when = (time) => (time.isDate ? time.toString() : new Date(time.toUnixTime() * 1000).toISOString());
  const inWindow = (start, finish) => finish.compare(first) > 0 && start.compare(end) < 0;
  const found = [];
  const margin = end.clone();
  margin.addDuration(ICAL.Duration.fromData({ days: 366 })); // an override may move an occurrence far
  for (const [uid, event] of masters) {
    if (!event.isRecurring()) {
      if (inWindow(event.startDate, event.endDate)) {
        found.push({ uid, start: when(event.startDate), status: event.component.getFirstPropertyValue("status") });
      }
      continue;
    }
    const iterator = event.iterator();
    for (let next = iterator.next(), steps = 0; next && next.compare(margin) < 0 && steps < 100000;
         next = iterator.next(), steps++) {
      const details = event.getOccurrenceDetails(next);
      if (inWindow(details.startDate, details.endDate)) {
        found.push({ uid, start: when(details.startDate), status: details.item.component.getFirstPropertyValue("status") });
      }
    }
  }
  return found;
}

function answer(request) {
  if ("parse" in request) return request.parse.map(parse);
  if ("occurrences" in request) return occurrences(request.occurrences, request.first, request.last);
  throw new Error(`unknown request: ${Object.keys(request)}`);
}

for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let reply;
  try {
    reply = { ok: answer(JSON.parse(line)) };
  } catch (error) {
    reply = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
