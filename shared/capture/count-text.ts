// Counts as a support engineer reads them in reports, findings and the app: 25,000, not 25000,
// whatever the machine's locale (a bundle is read on another machine than where it was made).
export const countText = (x: number): string => x.toLocaleString('en-US');

/** "1 packet", "25,000 packets". */
export const countOf = (x: number, one: string, many = `${one}s`): string => `${countText(x)} ${x === 1 ? one : many}`;
