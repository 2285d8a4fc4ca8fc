import {
  type ChannelName,
  type DeliveryCounts,
  deliveryWindow,
  nextRouteStates,
  orderProviders,
  type ProviderHealthRules,
  type ProviderName,
  type ProviderOrder,
  type RouteState,
  type RouteStates,
} from '@sendcode/policy';
import type { Logger } from '@sendcode/runtime';
import type { ProviderHealth } from '@sendcode/store';

/**
 * Orders a channel's providers for each send by their delivery health. The decision is policy's
 * (`nextRouteStates`, `orderProviders`); this reads the shared counts and states from Redis, stores
 * the moves it makes (a compare-and-set, so of several processes one writes each move, and logs it),
 * and keeps what it read for `cacheMs`, so a send does not pay a round trip: it is ordered by states
 * at most that old while a fresh read runs behind it. Only a channel's first send in a process waits
 * for the read. Routing is an optimisation, never a reason not to send: a failed read is logged and
 * the last states read (or the configured order) stand.
 */
export interface ProviderRouting {
  /** The order to try `providers` (the channel's, in their configured order) in for one send. */
  order(channel: ChannelName, providers: readonly ProviderName[]): Promise<ProviderOrder>;
}

export interface ProviderRoutingOptions {
  readonly health: ProviderHealth;
  readonly rules: ProviderHealthRules;
  readonly logger: Logger;
  readonly now: () => number;
  /** Uniform in [0, 1): which sends are a demoted provider's probes. */
  readonly random: () => number;
  /** How long the states read are used before they are read again (ms). */
  readonly cacheMs: number;
}

export function createProviderRouting(options: ProviderRoutingOptions): ProviderRouting {
  const { health, rules, logger, now } = options;
  const cache = new Map<ChannelName, { readonly at: number; readonly states: RouteStates }>();
  const reading = new Map<ChannelName, Promise<RouteStates>>();

  /** Reads, judges and stores one channel's states; one read per channel at a time. */
  const refresh = (channel: ChannelName, providers: readonly ProviderName[]): Promise<RouteStates> => {
    const running = reading.get(channel);
    if (running) return running;
    const read = judge(health, rules, logger, channel, providers, now)
      .catch((error: unknown) => {
        logger.warn({ err: error, channel }, 'provider health not read; routing by the last states read');
        return cache.get(channel)?.states ?? {};
      })
      .then((states) => {
        cache.set(channel, { at: now(), states });
        return states;
      })
      .finally(() => reading.delete(channel));
    reading.set(channel, read);
    return read;
  };

  return {
    async order(channel, providers) {
      // One provider leaves nothing to choose; demoteBelow 0 turns routing by health off.
      if (providers.length < 2 || rules.demoteBelow === 0) return { kind: 'configured', order: providers };
      const cached = cache.get(channel);
      let states: RouteStates;
      if (cached === undefined) states = await refresh(channel, providers);
      else {
        states = cached.states;
        if (now() - cached.at >= options.cacheMs) void refresh(channel, providers);
      }
      return orderProviders({ providers, states, now: now(), rules, draw: options.random() });
    },
  };
}

async function judge(
  health: ProviderHealth,
  rules: ProviderHealthRules,
  logger: Logger,
  channel: ChannelName,
  providers: readonly ProviderName[],
  now: () => number,
): Promise<RouteStates> {
  const api = (provider: ProviderName) => `${provider}:${channel}` as const;
  const snapshots = await health.read(providers.map(api));
  const at = now();
  const states: Partial<Record<ProviderName, RouteState>> = {};
  const windows: Partial<Record<ProviderName, DeliveryCounts>> = {};
  for (const provider of providers) {
    const snapshot = snapshots[api(provider)];
    states[provider] = snapshot.route;
    windows[provider] = deliveryWindow(snapshot.buckets, at, rules);
  }
  const next = nextRouteStates({ providers, states, windows, now: at, rules });
  await Promise.all(
    next.changes.map(async (change) => {
      const state = next.states[change.provider];
      if (!state) return;
      const written = await health.setRoute(
        api(change.provider),
        snapshots[api(change.provider)].version,
        state,
      );
      // Whoever wrote the move tells of it: one line per move, however many processes judged it.
      if (!written) return;
      const line = { ...change, channel };
      if (change.to === 'demoted') logger.warn(line, 'provider demoted: it is not delivering');
      else logger.info(line, `provider ${change.to}`);
    }),
  );
  return next.states;
}
