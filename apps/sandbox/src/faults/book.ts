import type { SandboxChannel, SandboxProvider } from '../messages.ts';
import type { Fault, FaultSpec } from './fault.ts';
import { faultSchema } from './fault.ts';

/**
 * The active faults, in the order they were added. A request is hit by the first fault for its
 * provider (and channel, when the fault names one) whose `rate` draw succeeds; a fault with a
 * `count` is used up after that many hits.
 */
export class FaultBook {
  #faults: Fault[] = [];
  #nextId = 1;
  readonly #random: () => number;

  /** `random` draws in [0, 1) for `rate`; tests may pin it. */
  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Validates and adds a fault; throws the zod error when the spec is invalid. */
  add(spec: FaultSpec): Fault {
    const fault: Fault = { id: `flt_${this.#nextId++}`, ...faultSchema.parse(spec) };
    this.#faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return [...this.#faults];
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault that hits this request, if any, counting the hit against its `count`. */
  take(provider: SandboxProvider, channel: SandboxChannel): Fault | undefined {
    const index = this.#faults.findIndex(
      (fault) =>
        fault.provider === provider &&
        (fault.channel === undefined || fault.channel === channel) &&
        this.#random() < fault.rate,
    );
    const fault = this.#faults[index];
    if (fault?.count === undefined) return fault;
    if (fault.count <= 1) this.#faults.splice(index, 1);
    else this.#faults[index] = { ...fault, count: fault.count - 1 };
    return fault;
  }
}
