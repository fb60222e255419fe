// Who a log record comes from, and the tag text that names it in the pretty format:
// `server.1`, `worker.2`, and plain `crew` for the primary's own records.

export interface Tags {
  component: string;
  instance: number;
  pid: number;
}

/** The component name of crew's own records; they carry instance 0 and the primary's pid. */
export const CREW_COMPONENT = 'crew';

export function tagText(tags: Pick<Tags, 'component' | 'instance'>): string {
  return tags.component === CREW_COMPONENT ? CREW_COMPONENT : `${tags.component}.${tags.instance}`;
}

/**
 * The pad width that lines up every tag the primary will print: the longest of the given tags
 * and `crew` itself, which always takes part.
 */
export function tagWidth(tags: Iterable<Pick<Tags, 'component' | 'instance'>>): number {
  let width = CREW_COMPONENT.length;
  for (const tag of tags) width = Math.max(width, tagText(tag).length);
  return width;
}
