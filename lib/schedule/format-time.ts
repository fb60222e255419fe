// A fire time as people read it: the wall-clock time in the schedule's own zone, with the
// offset, e.g. `2026-03-29 03:00:00 +02:00` for Europe/Paris. Records and JSON output carry
// ISO 8601 UTC besides, for machines.

export function formatInZone(ms: number, timezone: string | undefined): string {
  const parts = zoneFormat(timezone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace(/^GMT$/, 'GMT+00:00').replace(/^GMT/, '');
  // Some ICU versions print midnight as hour 24.
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}:${get('second')} ${offset}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timezone: string | undefined): Intl.DateTimeFormat {
  const key = timezone ?? '';
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(key, format);
  }
  return format;
}
