/**
 * `lbconform` command dispatcher. Each command lives with the part of the product it belongs to;
 * this file only routes argv and turns a returned number into the exit code.
 */
import type { CommandIO } from '../reference/commands/io.ts';

const usage = `usage: lbconform <command> [options]

commands:
  validate [--namespace NS] [--json] PATH...          check manifests; exit 1 when invalid
  plan [--namespace NS] [--alive A,B] PATH...         print the announcement plan as JSON
  explain [--node N] [--peer P] [--json] NS/SVC PATH...  why a Service is (not) announced, per node and peer
  status [--alive A,B] PATH...                        ServiceBGPStatus / ServiceL2Status per node, from the plan
  speaker --node NAME [--namespace NS] PATH...        run the reference speaker (in a node namespace)
  speaker --status --node NAME                        print a running speaker's sessions and routes
  frr-speaker --node NAME PATH...                     FRR's bgpd as the speaker (the reference-frr SUT)
  run [--out DIR] [--tags EXPR] [--sut ...] ...       run the conformance features (root)
  report --run DIR [--implementation-name N ...]       (re)write report.json/yaml and summary.html of a run
  report merge --out DIR SHARD_DIR...                 one report set from the folders of run --shard jobs
  doctor [--sut-start TEMPLATE]                       check this machine can run the suite
  compare OLD NEW [--json]                            compare two runs (report.json or run folders); exit 1 on regression

"lbconform <command> --help" shows a command's options.`;

const io: CommandIO = { stdout: process.stdout, stderr: process.stderr };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return (await import('../reference/commands/validate.ts')).runValidate(rest, io);
    case 'plan':
      return (await import('../reference/commands/plan.ts')).runPlan(rest, io);
    case 'explain':
      return (await import('../reference/commands/explain.ts')).runExplain(rest, io);
    case 'status':
      return (await import('../reference/commands/explain.ts')).runStatus(rest, io);
    case 'speaker':
      return (await import('../reference/speaker/command.ts')).runSpeakerCommand(rest, io);
    case 'frr-speaker':
      return (await import('../implementations/reference-frr/speaker.ts')).runFrrSpeaker(rest, io);
    case 'run':
      return (await import('../harness/run/run-suite.ts')).runSuite(rest, io);
    case 'doctor':
      return (await import('../harness/doctor/doctor.ts')).runDoctor(rest, io);
    case 'compare':
      return (await import('../reports/compare.ts')).runCompare(rest, io);
    case 'report':
      return (await import('../reports/commands.ts')).runReport(rest, io);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(usage + '\n');
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`lbconform: unknown command "${command}"\n${usage}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lbconform: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
