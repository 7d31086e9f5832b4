/**
 * Quick start: define a B2B funnel whose stages are customer actions, validate it, and look at it.
 * Run after `npm run build` with `npx tsx examples/quick-start.ts` (CI runs it through vitest).
 */
import { defineFunnel, funnelJsonSchema, safeParseFunnel } from 'funnelwise';

export function main(): { stages: string[]; invalid: string } {
  const funnel = defineFunnel({
    id: 'b2b',
    name: 'B2B pipeline',
    currency: 'EUR',
    stages: [
      { id: 'request', name: 'Left a request on the site', actions: ['request.submitted'] },
      { id: 'answered', name: 'Picked up the callback', actions: ['call.answered'] },
      { id: 'described', name: 'Described the task', actions: ['requirements.described'] },
      { id: 'proposal', name: 'Received the proposal', actions: ['proposal.received'], probability: 0.4 },
      { id: 'invoice', name: 'Accepted the invoice', actions: ['invoice.accepted'], probability: 0.8 },
      { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
    lostReasons: [
      { id: 'unreachable', name: 'Never reached by phone' },
      { id: 'price', name: 'Too expensive' },
    ],
  });
  const bad = safeParseFunnel({ id: 'x', name: 'X', stages: [{ id: 'a', name: 'A', probability: 1.5 }] });
  return {
    stages: funnel.stages.map((s) => s.name),
    invalid: bad.success ? 'valid' : bad.error.message,
  };
}

if (process.argv[1]?.endsWith('quick-start.ts')) console.log(main(), Object.keys(funnelJsonSchema()).length);
