/**
 * Whether a day's rise recurs: the same weekday in neighbouring weeks, or the same place in neighbouring months
 * (month-end and month-start runs: batch closes, reports, reserved-capacity and support charges). A recurring
 * rise is the account's rhythm, not an anomaly, and produces nothing (PB-31 asks for a billing ANOMALY).
 *
 * Both directions count: a scan holds the whole export, so October's month-end rise is recurring when November
 * ends the same way. What keeps an attack from hiding behind a rhythm is that a rhythm is CONFINED: a recurring
 * rise has ordinary days beside it, while a miner running for weeks keeps every neighbouring day high.
 */

/** A day "comes back" when the matching day in another week or month cost at least this share of it. */
export const COMPARABLE_SHARE = 0.6;
/** Weeks looked at on each side for a weekly rhythm, and how many must repeat it. */
const WEEKS_EACH_SIDE = 4;
const WEEKLY_MIN_REPEATS = 2;
/** Months looked at on each side for a monthly rhythm (one repeat is enough: a month holds one month-end). */
const MONTHS_EACH_SIDE = 2;
/** Days at each end of a month that count as its end or start. */
const MONTH_EDGE_DAYS = 3;
/** A rise is confined when some day within this many days on either side is ordinary again. */
const CONFINED_WITHIN_DAYS = 3;

const DAY_MS = 86_400_000;

export type Recurrence = "weekly" | "month-end" | "month-start";

/** The cost of a calendar day ("2026-11-30"); undefined when the data does not cover it. */
export type CostOf = (day: string) => number | undefined;

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The day at the same place in another month: the same distance from its end (month-end) or start. */
function sameMonthPlace(day: string, monthShift: number, fromEnd: boolean): string {
  const d = new Date(`${day}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const target = new Date(Date.UTC(y, m + monthShift, 1));
  const ty = target.getUTCFullYear();
  const tm = target.getUTCMonth();
  const dim = daysInMonth(ty, tm);
  const dom = fromEnd ? dim - (daysInMonth(y, m) - d.getUTCDate()) : Math.min(d.getUTCDate(), dim);
  return new Date(Date.UTC(ty, tm, Math.max(1, dom))).toISOString().slice(0, 10);
}

/**
 * On BOTH sides of `day`, some day within CONFINED_WITHIN_DAYS cost less than the comparable share (reaching
 * the edge of the export first does not count against it). The first days of a
 * miner have ordinary days before them but not after; a month-end close has both.
 */
function confined(day: string, cost: number, costOf: CostOf): boolean {
  const sideOk = (sign: -1 | 1): boolean => {
    for (let k = 1; k <= CONFINED_WITHIN_DAYS; k++) {
      const c = costOf(shiftDay(day, sign * k));
      if (c === undefined || c < COMPARABLE_SHARE * cost) return true;
    }
    return false;
  };
  return sideOk(-1) && sideOk(1);
}

/** How `day` (which cost `cost`, over its baseline) recurs, if it does. */
export function recurrenceOf(day: string, cost: number, costOf: CostOf): Recurrence | undefined {
  if (cost <= 0 || !confined(day, cost, costOf)) return undefined;
  const comparable = (d: string): boolean => { const c = costOf(d); return c !== undefined && c >= COMPARABLE_SHARE * cost; };

  let weekly = 0;
  for (let w = 1; w <= WEEKS_EACH_SIDE; w++) {
    if (comparable(shiftDay(day, -7 * w))) weekly++;
    if (comparable(shiftDay(day, 7 * w))) weekly++;
  }
  if (weekly >= WEEKLY_MIN_REPEATS) return "weekly";

  const d = new Date(`${day}T00:00:00Z`);
  const dom = d.getUTCDate();
  const dim = daysInMonth(d.getUTCFullYear(), d.getUTCMonth());
  const atEnd = dim - dom < MONTH_EDGE_DAYS;
  const atStart = dom <= MONTH_EDGE_DAYS;
  if (!atEnd && !atStart) return undefined;
  for (let m = 1; m <= MONTHS_EACH_SIDE; m++) {
    for (const shift of [-m, m]) {
      const other = sameMonthPlace(day, shift, atEnd);
      // One day of slack: a month-end job may land on the 30th one month and the 31st the next.
      if (comparable(other) || comparable(shiftDay(other, -1)) || comparable(shiftDay(other, 1))) return atEnd ? "month-end" : "month-start";
    }
  }
  return undefined;
}
