import type { ConnectorRecord } from './connector-records.js';

/** Oldest first; ties by provider, then id (several owners may have a connector of one provider). */
export function sortedConnectors(list: ConnectorRecord[]): ConnectorRecord[] {
  const by = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return list.sort((a, b) => a.createdAt - b.createdAt || by(a.provider, b.provider) || by(a.id, b.id));
}
