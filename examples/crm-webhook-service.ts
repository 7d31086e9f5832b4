/**
 * A tiny in-memory CRM service: customer actions arrive as webhook payloads (untrusted JSON), are
 * validated with `parseCustomerAction`, applied to the stored deal with `applyAction`, the new deal is
 * persisted (a Map stands in for the database) and the effects the funnel returns are queued for the
 * host to run. No network: `main()` feeds it a few payloads and returns the log.
 * Run after `npm run build` with `npx tsx examples/crm-webhook-service.ts` (CI runs it through vitest).
 */
import { applyAction, createDeal, defineFunnel, isFunnelError, parseCustomerAction, type Deal, type Funnel, type MachineEffect } from 'funnelwise';

/** What the service answers a webhook with (an HTTP status and a body, as a web framework would send). */
export interface WebhookResponse {
  readonly status: 200 | 202 | 400 | 404 | 409;
  readonly body: string;
}

/** An effect to run after the deal was saved, keyed so that a retry does not run it twice. */
export interface QueuedEffect {
  readonly key: string;
  readonly effect: MachineEffect;
}

/** The service: a funnel, a deal store and an effect queue. */
export function createCrmService(funnel: Funnel): {
  open: (id: string, at: string, attributes?: Record<string, string>) => void;
  receive: (payload: string) => WebhookResponse;
  deals: ReadonlyMap<string, Deal>;
  effects: QueuedEffect[];
} {
  const deals = new Map<string, Deal>();
  const effects: QueuedEffect[] = [];
  return {
    deals,
    effects,
    open(id, at, attributes = {}) {
      const created = createDeal(funnel, { id, createdAt: at, attributes, amount: { amount: '1200.00', currency: 'EUR' } });
      if (!created.ok) throw new Error(created.message);
      deals.set(id, created.deal);
    },
    receive(payload) {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return { status: 400, body: 'not JSON' };
      }
      let action;
      try {
        action = parseCustomerAction(json); // names the field, the expected and the received value
      } catch (e) {
        if (isFunnelError(e)) return { status: 400, body: e.message };
        throw e;
      }
      const deal = action.dealId === undefined ? undefined : deals.get(action.dealId);
      if (deal === undefined) return { status: 404, body: `no deal ${String(action.dealId)}` };
      const result = applyAction(funnel, deal, action);
      if (!result.ok) return { status: 409, body: `${result.reason}: ${result.message}` }; // a domain outcome: nothing saved
      deals.set(deal.id, result.deal); // persist first…
      for (const effect of result.effects) {
        const o = effect.origin;
        effects.push({ key: `${effect.dealId}/${o.kind}:${o.kind === 'onEnter' ? o.stageId : o.ruleId}/${effect.at}/${effect.type}`, effect }); // …then queue the effects
      }
      return { status: result.outcome === 'duplicate' ? 202 : 200, body: `${result.outcome}: ${deal.stageId} → ${result.deal.stageId}` };
    },
  };
}

export function main(): { log: string[]; stage: string | undefined; effects: string[] } {
  const funnel = defineFunnel({
    id: 'b2b',
    name: 'B2B pipeline',
    currency: 'EUR',
    stages: [
      { id: 'request', name: 'Left a request', actions: ['request.submitted'] },
      { id: 'answered', name: 'Picked up the callback', actions: ['call.answered'], onEnter: [{ type: 'email.send', params: { template: 'thanks-for-the-call' } }] },
      { id: 'proposal', name: 'Received the proposal', actions: ['proposal.received'] },
      { id: 'invoice', name: 'Accepted the invoice', actions: ['invoice.accepted'], requires: ['billingAddress'] },
      { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
  });
  const crm = createCrmService(funnel);
  crm.open('d1', '2026-03-01T09:00:00Z');
  const payloads = [
    '{"id":"w1","type":"call.answered","dealId":"d1","at":"2026-03-02T10:00:00Z"}',
    '{"id":"w1","type":"call.answered","dealId":"d1","at":"2026-03-02T10:00:00Z"}', // the provider retried
    '{"id":"w2","type":"proposal.received","dealId":"d1","at":"2026-03-04T16:30:00Z"}',
    '{"id":"w3","type":"invoice.accepted","dealId":"d1","at":"2026-03-06T11:00:00Z"}', // no billing address yet
    '{"id":"w4","type":"invoice.paid","dealId":"d1","at":"yesterday"}', // malformed time
    '{"id":"w5","type":"call.answered","dealId":"d9","at":"2026-03-02T10:00:00Z"}', // unknown deal
  ];
  const log = payloads.map((p) => {
    const r = crm.receive(p);
    return `${r.status} ${r.body}`;
  });
  return { log, stage: crm.deals.get('d1')?.stageId, effects: crm.effects.map((e) => `${e.key} ${JSON.stringify(e.effect.params ?? {})}`) };
}
