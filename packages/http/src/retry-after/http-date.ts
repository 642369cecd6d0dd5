/*
 * A strict HTTP-date parser (RFC 9110 §5.6.7). `Date.parse` accepts almost anything ("1",
 * "2024", "next tuesday" in some engines) and reads local time when no zone is given; a server's
 * Retry-After must not be guessed at. All three formats a recipient must accept are parsed here,
 * nothing else.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC_850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parses an HTTP-date in IMF-fixdate, RFC 850 or asctime format into epoch milliseconds, or
 * returns `undefined` when `value` is not exactly one of them or names an impossible date
 * (31 Feb, hour 24). A two-digit RFC 850 year is placed in the century that puts it at most 50
 * years after `now` (RFC 9110 §5.6.7).
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match !== null) return build(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = ASCTIME.exec(value);
  if (match !== null) return build(match[6], match[1], match[2]?.trim(), match[3], match[4], match[5]);
  match = RFC_850.exec(value);
  if (match !== null) {
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return build(String(year), match[2], match[1], match[4], match[5], match[6]);
  }
  return undefined;
}

function build(
  yearText: string | undefined,
  monthName: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const year = Number(yearText);
  const month = MONTHS.indexOf(monthName ?? '');
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  // 60 is a leap second (RFC 5322 allows it); it is read as the next second.
  const second = Number(secondText);
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const time = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb over into March: reject dates that did not survive unchanged.
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  return time;
}
