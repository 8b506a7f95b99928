/** The conference the console shows (one per deployment today; `?conference=` picks another). */
export const CONFERENCE = new URLSearchParams(location.search).get('conference') ?? 'dushanbe-2022';
