import { ALERTS_HELP, alertsCommand } from './cli/alerts.command.js';
import { DEIDENTIFY_HELP, deidentifyCommand } from './cli/deidentify.command.js';
import { DELIVERIES_HELP, deliveriesCommand } from './cli/deliveries.command.js';
import { DEMO_HELP, demoCommand } from './cli/demo.command.js';
import { GENERATE_HELP, generateCommand } from './cli/generate.command.js';
import { PROFILE_HELP, profileCommand } from './cli/profile.command.js';
import { REPLAY_HELP, replayCommand } from './cli/replay.command.js';
import { RUN_HELP, runCommand } from './cli/run.command.js';
import { USERS_HELP, usersCommand } from './cli/users.command.js';
import { VALIDATE_HELP, validateCommand } from './cli/validate.command.js';
import { EXIT, type Output } from './cli/usage.js';
import { SentinelError, type ErrorCode } from './errors.js';
import { createLogger } from './logger.js';

const HELP = `Usage: poems-sentinel <command> [options]

Commands:
  run        run the service: MLLP listener, optional Kafka and Redis, health endpoints
  demo       generate a synthetic feed, replay it, print the alerts (no services needed)
  replay     replay HL7 v2 files through the pipeline
  deidentify pseudonymise HL7 v2 files (keyed pseudonyms, shifted dates, scrubbed text)
  generate   write a synthetic HL7 v2 feed
  profile    check a site profile
  alerts     list, export, acknowledge, dismiss or snooze alerts
  deliveries list the deliveries of notifications (dead ones too) and retry dead ones
  users      inbox accounts and API tokens: add, token, revoke, disable, enable, password, list
  validate   replay a labelled feed and report sensitivity, PPV, alert burden, lead time

Run "poems-sentinel <command> --help" for a command's options.`;

/** errors in what the user asked for (exit 2); every other error is a failure (exit 1) */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['USAGE', 'INPUT_UNREADABLE', 'PROFILE_INVALID', 'KAFKA_TOPIC_MISSING', 'JOURNAL_MISMATCH', 'TIMING_MISMATCH']);

const COMMANDS = { run: RUN_HELP, demo: DEMO_HELP, replay: REPLAY_HELP, deidentify: DEIDENTIFY_HELP, generate: GENERATE_HELP, profile: PROFILE_HELP, alerts: ALERTS_HELP, deliveries: DELIVERIES_HELP, users: USERS_HELP, validate: VALIDATE_HELP };

/** Runs one command; returns the exit status. Bad input is a message and status 2, never a stack trace. */
export async function main(argv: string[], io: Output): Promise<number> {
  const [command, ...args] = argv;
  const log = createLogger({ level: process.env.LOG_LEVEL ?? (command === 'run' ? 'info' : 'warn') });
  try {
    switch (command) {
      case 'run': return await runCommand(args, io, log);
      case 'replay': return await replayCommand(args, io, log);
      case 'demo': return await demoCommand(args, io, log);
      case 'deidentify': return await deidentifyCommand(args, io, log);
      case 'generate': return await generateCommand(args, io);
      case 'profile': return await profileCommand(args, io);
      case 'alerts': return await alertsCommand(args, io);
      case 'deliveries': return await deliveriesCommand(args, io);
      case 'users': return await usersCommand(args, io);
      case 'validate': return await validateCommand(args, io, log);
      case undefined: case '-h': case '--help': case 'help':
        io.out(HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        io.err(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
        return EXIT.usage;
    }
  } catch (err) {
    if (err instanceof SentinelError) {
      io.err(`poems-sentinel: ${err.code}: ${err.message}`);
      return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failure;
    }
    io.err(`poems-sentinel: internal error: ${(err as Error).message}`);
    log.error({ err }, 'internal error');
    return EXIT.failure;
  }
}

