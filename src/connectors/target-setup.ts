import type { NamedRecord } from '../domain/ports.ts';
import type { Settings } from '../domain/settings.ts';
import { isConnectorError } from './http/connector-error.ts';
import type { TransportOptions } from './http/http-client.ts';

/**
 * What a target offers the commands that set an installation up and check it (`init`, `config set-secret`,
 * `doctor`): its questions, its sign-in check, the config block it is written as, and its own doctor checks. The
 * commands loop over the targets present and name none.
 */

/** One answer a command asks for, with the environment variable that gives it without a prompt. */
export interface SetupQuestion {
  readonly env: string;
  readonly question: string;
  readonly secret?: boolean;
  readonly fallback?: string;
  /** an empty answer is allowed (the question does not apply) */
  readonly optional?: boolean;
  /** the problem with the answer's form in words, or null */
  readonly check: (answer: string) => string | null;
  /** the answer as it is kept (a region in lower case) */
  readonly keep?: (answer: string) => string;
}

/** A live check of credentials: `ok: false` means the service refused them (ask again). */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

/** One line of `doctor`: a warning is said, and does not fail the doctor. */
export interface DoctorCheck {
  readonly name: string;
  readonly state: 'ok' | 'warn' | 'fail';
  readonly detail: string;
}

/** The answers given so far, by question key. */
export type SetupAnswers = Readonly<Record<string, string | undefined>>;

/** What a target's own step of `init` may do: ask its questions, say how a check went, report a problem. */
export interface SetupAsker {
  readonly answers: SetupAnswers;
  /** a person answers at a terminal (else every answer comes from the environment) */
  readonly interactive: boolean;
  /** whether the environment answers this question */
  given(key: string): boolean;
  /** asks (or reads from the environment) one of the target's questions; `extra` checks it against a service */
  ask(key: string, extra?: (answer: string) => string | null): Promise<string | undefined>;
  say(text: string): void;
  problem(text: string): void;
}

/** What `doctor` hands a target: its config block, how to reach it, the tenants mapped to it, the settings. */
export interface DoctorInput {
  /** the target's block of the config file, as the config checked it */
  readonly block: unknown;
  readonly transport: TransportOptions;
  /** the tenants mapped to one of the target's customers */
  readonly mapped: readonly { readonly displayName: string; readonly customerId: string }[];
  /** the answers are being captured: read a few contacts too */
  readonly capture: boolean;
  /** the settings in effect, one per tenant (the global ones without a tenant) */
  readonly settings: () => Promise<readonly Settings[]>;
}

export interface SetupOfEveryTarget {
  /** the questions `init` asks for the target, by key, in the order asked */
  readonly questions: Readonly<Record<string, SetupQuestion>>;
  /** the questions the help of `init` names among its environment variables */
  readonly helpEnv: readonly string[];
  /** the environment variable naming another address for the target's API (a simulator) */
  readonly urlEnv: string;
  /**
   * Signs in with `init`'s answers (one harmless call); null when an answer it needs is missing. `retry`: the
   * questions asked again when the target refuses them.
   */
  signIn(answers: SetupAnswers, baseUrl: string | undefined): Promise<CheckResult | null>;
  readonly retry: readonly string[];
  /** questions asked once signed in, against what the target said; without checks only when the environment gives them */
  readonly afterSignIn?: {
    readonly keys: readonly string[];
    ask(asker: SetupAsker, baseUrl: string | undefined): Promise<void>;
  };
  /** the config block `init` writes for the target, under the comment line above it */
  configBlock(
    answers: SetupAnswers,
    seal: (secret: string | undefined) => string | undefined,
    baseUrl: string | undefined,
  ): { readonly comment: string; readonly block: Record<string, unknown> };
  /** global settings `init` writes from the answers, with the comment above them; null when none */
  configSettings?(
    answers: SetupAnswers,
  ): { readonly comment: string; readonly settings: Record<string, unknown> } | null;
  /** how `init` sums up the answers, secrets masked */
  summary(answers: SetupAnswers, mask: (secret: string | undefined) => string): string;
  /** the secret the config block holds, for `config set-secret` */
  readonly secret: {
    readonly field: string;
    readonly what: string;
    readonly question: SetupQuestion;
    /** signs in with the new value and the rest of the block */
    live(block: unknown, value: string): Promise<CheckResult>;
  };
  /** what doctor's help says it checks of the target beyond a sign-in */
  readonly doctorHelp?: string;
  /** the target's own checks, in the order `doctor` says them */
  doctor(input: DoctorInput): Promise<DoctorCheck[]>;
}

export type TargetSetup = SetupOfEveryTarget;

/** A person waits for a check's answer: one try, a short timeout. */
export const QUICK_CHECK: TransportOptions = {
  timeoutMs: 10_000,
  policy: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
};

/** An unreachable service is not a refusal: it is only noted. */
export function notReached(service: string, error: unknown): CheckResult {
  return {
    ok: true,
    message: `${service} could not be reached to check this (${(error as Error).message.split('\n')[0]}); contactsync doctor checks it later.`,
  };
}

/** A doctor check that runs `read`: its answer is the detail, a failure the reason. */
export async function doctorCheck(name: string, read: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { name, state: 'ok', detail: await read() };
  } catch (error) {
    return { name, state: 'fail', detail: explainFailure(error) };
  }
}

export function explainFailure(error: unknown): string {
  return isConnectorError(error) ? error.message : `${(error as Error).message}`;
}

/** Names as doctor lists them: `"Work" (id 3), "Home" (id 4)`, or `none`. */
export function listedNames(items: readonly NamedRecord<string | number>[], withIds: boolean): string {
  return items.length === 0
    ? 'none'
    : items
        .map((item) => (withIds ? `${JSON.stringify(item.name)} (id ${item.id})` : JSON.stringify(item.name)))
        .join(', ');
}

/** A region answer: one of the target's regions, kept in lower case. */
export function regionQuestion(env: string, question: string, regions: readonly string[]): SetupQuestion {
  return {
    env,
    question,
    fallback: regions[0]!,
    check: (answer) =>
      regions.includes(answer.toLowerCase()) ? null : `answer ${regions.slice(0, -1).join(', ')} or ${regions.at(-1)}`,
    keep: (answer) => answer.toLowerCase(),
  };
}
