import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** The compiled CLI; `npm test` builds it in `pretest`, otherwise run `npx tsc -p tsconfig.json`. */
export const BIN = fileURLToPath(new URL('../../dist/src/bin.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const RUNNING = /^poems-sentinel running: state=(\S+) ingress=(\S+) mllp=(\S+):(\d+) health=(\S+):(\d+)$/m;
/** the tail of stdout / stderr kept for diagnostics */
const KEEP_CHARS = 256 * 1024;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  pid: number;
  state: string;
  ingress: string;
  mllpHost: string;
  mllpPort: number;
  healthHost: string;
  healthPort: number;
  /** settles when the child has exited (never rejects) */
  exited: Promise<ServiceExit>;
  /** set once the child has exited */
  exit: ServiceExit | undefined;
  kill(signal?: NodeJS.Signals): boolean;
  /** SIGTERM, then the exit within `timeoutMs`, else SIGKILL and a rejection */
  stop(timeoutMs?: number): Promise<ServiceExit>;
  stdout(): string;
  stderr(): string;
  /** the last lines of stderr and stdout, for an assertion message */
  diagnostics(lines?: number): string;
  /** GET on the health port: the status code, or 0 when nothing answers */
  get(path: '/readyz' | '/healthz', timeoutMs?: number): Promise<number>;
}

export interface StartOptions {
  /** how long to wait for the "running" line (default 30 s) */
  startTimeoutMs?: number;
  /** extra environment; LOG_LEVEL defaults to warn */
  env?: Record<string, string>;
}

const children = new Set<ChildProcess>();

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines - 1).join('\n');
}

/** Runs `node dist/src/bin.js run …args` and resolves once it printed its "running" line. */
export async function startServiceProcess(args: readonly string[], opts: StartOptions = {}): Promise<ServiceProcess> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npx tsc -p tsconfig.json" first`);
  const withPorts = [...args];
  if (!withPorts.includes('--mllp-port')) withPorts.push('--mllp-port', '0');
  if (!withPorts.includes('--health-port')) withPorts.push('--health-port', '0');
  if (!withPorts.includes('--inbox-port') && !withPorts.includes('--no-inbox')) withPorts.push('--inbox-port', '0');
  // the service runs as in production: not with the test runner's NODE_ENV=test (kafkajs, for
  // one, switches to its short test-mode retry defaults under it) nor its VITEST* variables
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
  const child = spawn(process.execPath, [BIN, 'run', ...withPorts], {
    cwd: REPO_ROOT,
    env: { ...env, LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err = (err + d).slice(-KEEP_CHARS);
  });
  let exit: ServiceExit | undefined;
  const exited = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      children.delete(child);
      resolve(exit);
    });
  });
  const diagnostics = (lines = 30): string => `--- stderr (tail) ---\n${tail(err, lines)}\n--- stdout (tail) ---\n${tail(out, 10)}`;

  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service printed no "running" line within ${startTimeoutMs} ms\n${diagnostics()}`));
    }, startTimeoutMs);
    child.stdout?.on('data', (d: string) => {
      out = (out + d).slice(-KEEP_CHARS);
      const m = RUNNING.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (code ${e.code}, signal ${e.signal}) before it was running\n${diagnostics()}`));
    });
  });

  const [, state = '', ingress = '', mllpHost = '', mllpPort = '', healthHost = '', healthPort = ''] = match;
  const service: ServiceProcess = {
    pid: child.pid ?? -1,
    state,
    ingress,
    mllpHost,
    mllpPort: Number(mllpPort),
    healthHost,
    healthPort: Number(healthPort),
    exited,
    get exit() {
      return exit;
    },
    kill: (signal = 'SIGTERM') => (exit === undefined ? child.kill(signal) : false),
    stop: async (timeoutMs = 30_000) => {
      if (exit) return exit;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (result !== 'late') return result;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the service did not exit within ${timeoutMs} ms of SIGTERM (killed)\n${diagnostics()}`);
    },
    stdout: () => out,
    stderr: () => err,
    diagnostics,
    get: (path, timeoutMs = 5_000) => httpStatus(healthHost, Number(healthPort), path, timeoutMs),
  };
  return service;
}

function httpStatus(host: string, port: number, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/** SIGKILLs every service child still running (for afterAll), and waits for them to go. */
export async function killServiceProcesses(timeoutMs = 10_000): Promise<void> {
  const running = [...children];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            children.delete(child);
            resolve();
            return;
          }
          const timer = setTimeout(resolve, timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
}

export { until } from './wait.js';
