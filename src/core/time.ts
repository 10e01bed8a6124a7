/** Today's date (YYYY-MM-DD) in the given IANA time zone, e.g. Asia/Shanghai. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Whole years between a birthday and today. */
export function ageOn(birthday: string, today: string): number {
  const [birthYear, birthMonth, birthDay] = birthday.split('-').map(Number);
  const [year, month, day] = today.split('-').map(Number);
  const hadBirthday = month > birthMonth || (month === birthMonth && day >= birthDay);
  return year - birthYear - (hadBirthday ? 0 : 1);
}
