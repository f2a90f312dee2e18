// Read an iCalendar document on stdin and print, as JSON, the occurrences that Mozilla's ical.js
// (the parser inside Thunderbird) expands in the window given as two ISO dates on the command line:
// series with their RRULE/RDATE/EXDATE, overrides related to their series by RECURRENCE-ID.
import ICAL from "ical.js";

const [first, last] = process.argv.slice(2).map((day) => ICAL.Time.fromDateString(day));
const end = last.clone();
end.addDuration(ICAL.Duration.fromData({ days: 1 }));
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
const masters = new Map();
const overrides = [];
for (const component of root.getAllSubcomponents("vevent")) {
  if (component.hasProperty("recurrence-id")) overrides.push(component);
  else masters.set(component.getFirstPropertyValue("uid"), new ICAL.Event(component));
}
for (const component of overrides) {
  const master = masters.get(component.getFirstPropertyValue("uid"));
  if (master) master.relateException(component);
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
process.stdout.write(JSON.stringify(found));
