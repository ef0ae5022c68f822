/** The anomaly types in the order the pages list them, and the colour each is drawn in. */
import type { AnomalyType } from '../../detect/types.ts';

export const TYPES: readonly AnomalyType[] = ['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'];

export const COLORS: Readonly<Record<AnomalyType, string>> = {
  DURATION_SPIKE: '#d97706', TEMPLATE_OUTLIER: '#7c3aed', NEW_TEMPLATE: '#2563eb', ERROR_BURST: '#dc2626', SESSION_OUTLIER: '#0d9488',
};

/** The colour of a type; grey for one this client does not know (a newer server). */
export function colorOf(type: string): string {
  return (COLORS as Record<string, string>)[type] ?? '#555';
}
