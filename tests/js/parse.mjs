// Read an iCalendar document on stdin, parse it with Mozilla's ical.js (the parser inside
// Thunderbird) and print JSON: the events' UIDs, summaries, starts, ends, statuses and alarms.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    start: event.startDate.toString(),
    end: event.endDate ? event.endDate.toString() : null,
    isDate: event.startDate.isDate,
    zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    categories: component.getAllProperties("categories").flatMap((p) => p.getValues()),
    alarms: component.getAllSubcomponents("valarm").map((a) => a.getFirstPropertyValue("trigger").toString()),
    // When each relative alarm rings: the start (a DATE reads as local midnight) plus its trigger.
    rings: component.getAllSubcomponents("valarm").map((a) => {
      const at = event.startDate.clone();
      at.isDate = false;
      at.addDuration(a.getFirstPropertyValue("trigger"));
      return at.toString();
    }),
  };
});
process.stdout.write(JSON.stringify({
  name: root.getFirstPropertyValue("x-wr-calname"),
  count: events.length,
  events,
}));
