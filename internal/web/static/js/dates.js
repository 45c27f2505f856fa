// Dates as web-ui.md section 10 shows them: absolute times in the server's
// time zone, expiry as a relative distance.

const partsCache = new Map();

function formatter(timeZone) {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

function parts(date, timeZone) {
  const out = {};
  for (const p of formatter(timeZone).formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** yyyy-MM-dd HH:mm:ss of date in timeZone (an IANA name; undefined: the browser's). */
export function formatTime(date, timeZone) {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The UTC offset of timeZone at date, in minutes. */
export function offsetMinutes(date, timeZone) {
  const p = parts(date, timeZone);
  const asUTC = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((asUTC - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

/** The browser's zone differs from the server's at date. */
export function offsetsDiffer(date, serverZone) {
  return offsetMinutes(date, serverZone) !== -date.getTimezoneOffset();
}

/** "Browser time: ..." when the offsets differ, else "". */
export function browserTimeLine(date, serverZone) {
  return offsetsDiffer(date, serverZone) ? `Browser time: ${formatTime(date)}` : '';
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Whole calendar months from a to b (a <= b), as date-fns counts them.
function wholeMonths(a, b) {
  let months = (b.getFullYear() - a.getFullYear()) * 12 + (b.getMonth() - a.getMonth());
  const shifted = new Date(a.getTime());
  shifted.setMonth(a.getMonth() + months);
  if (shifted > b) months -= 1;
  return Math.max(months, 0);
}

/** The distance between two dates in words (section 10's table). */
export function distance(a, b) {
  const [from, to] = a <= b ? [a, b] : [b, a];
  const m = Math.round((to - from) / 60000);
  if (m === 0) return 'less than a minute';
  if (m < 45) return plural(m, 'minute');
  if (m < 90) return '1 hour';
  if (m < 1440) return plural(Math.round(m / 60), 'hour');
  if (m < 2520) return '1 day';
  if (m < 43200) return plural(Math.round(m / 1440), 'day');
  if (m < 86400) return plural(Math.round(m / 43200), 'month');
  const months = wholeMonths(from, to);
  if (months < 12) return plural(Math.round(m / 43200), 'month');
  const y = Math.floor(months / 12);
  const r = months % 12;
  if (r < 3) return plural(y, 'year');
  if (r < 9) return `over ${plural(y, 'year')}`;
  return `almost ${plural(y + 1, 'year')}`;
}

/** "in 3 days", "3 days ago". */
export function relative(date, now = new Date()) {
  const d = distance(date, now);
  return date > now ? `in ${d}` : `${d} ago`;
}

/** Local midnight at the start of a YYYY-MM-DD day. */
export function localMidnight(day) {
  const [y, mo, d] = day.split('-').map(Number);
  return new Date(y, mo - 1, d, 0, 0, 0, 0);
}

/** YYYY-MM-DD of a date in the browser's zone. */
export function localDay(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

/** Tomorrow's YYYY-MM-DD in the browser's zone. */
export function tomorrow(now = new Date()) {
  return localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
}
