// Read an iCalendar document on stdin, parse it with Mozilla's ical.js (the parser inside
// Thunderbird) and print JSON: the events' UIDs, summaries, starts, ends, statuses and alarms.
// With --many, stdin is a JSON array of documents and the output the array of their results: one
// node process reads every document of a test, each as if it were alone.
import ICAL from "ical.js";

function read(text) {
  ICAL.TimezoneService.reset(); // a document sees only its own VTIMEZONEs
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
  return {
    name: root.getFirstPropertyValue("x-wr-calname"),
    count: events.length,
    events,
  };
}

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const many = process.argv.includes("--many");
const results = (many ? JSON.parse(input) : [input]).map(read);
process.stdout.write(JSON.stringify(many ? results : results[0]));
