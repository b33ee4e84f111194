// UTC so the text does not depend on the server's time zone.
const EXACT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** "2 minutes ago", "yesterday"; under a minute "just now". */
export function relativeTime(date: Date, now = Date.now()): string {
  const seconds = Math.round((now - date.getTime()) / 1000);
  const unit = UNITS.find(([, size]) => Math.abs(seconds) >= size);
  if (!unit) return "just now";
  return RELATIVE.format(-Math.floor(seconds / unit[1]), unit[0]);
}

export function exactTime(date: Date): string {
  return `${EXACT.format(date)} UTC`;
}

/** A time shown relative to now, exact on hover and for machines. */
export function When({ date }: { date: Date }) {
  return (
    <time dateTime={date.toISOString()} title={exactTime(date)}>
      {relativeTime(date)}
    </time>
  );
}
