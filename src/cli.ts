/**
 * `npm run vellum -- <command>`: administration from the command line, on the same
 * database the server uses (DATABASE_URL, or the embedded one under VELLUM_DATA_DIR).
 *
 *   migrate                         apply pending migrations
 *   seed                            load the default subject tree (replaces same-id subjects)
 *   user create --username U [--type user|editor|admin] [--email E]
 *   token create --user U [--label L]   print a new API token for user U (shown once)
 *   token revoke --id N
 *   import FILE [--preserve-ids] [--user U]   import EP3 XML or BibTeX with a progress bar
 */
import { parseArgs } from "node:util";
import { loadConfig } from "./config.js";
import { openRuntime } from "./runtime.js";
import { defaultSubjectsXml } from "./services.js";
import { UserInputSchema } from "./accounts/accounts.js";

const USAGE = `usage: npm run vellum -- <command>
  migrate
  seed
  user create --username NAME [--type user|editor|admin] [--email ADDRESS]
  token create --user NAME [--label TEXT]
  token revoke --id N
  import FILE [--preserve-ids] [--user NAME]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: "string" },
      user: { type: "string" },
      type: { type: "string" },
      email: { type: "string" },
      label: { type: "string" },
      id: { type: "string" },
      "preserve-ids": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const log = (m: string) => console.error(`vellum: ${m}`);
  const runtime = await openRuntime(config, log);
  const { services } = runtime;
  try {
    switch (`${command}${sub && command !== "import" ? ` ${sub}` : ""}`) {
      case "migrate":
        return 0; // openRuntime applied them
      case "seed":
        console.log(`loaded ${await services.subjects.seed(defaultSubjectsXml())} subjects and divisions`);
        return 0;
      case "user create": {
        const input = UserInputSchema.parse({ username: values.username, usertype: values.type ?? "user", email: values.email });
        const u = await services.accounts.createUser(input);
        console.log(`created user ${u.username} (userid ${u.userid}, ${u.usertype})`);
        return 0;
      }
      case "token create": {
        if (!values.user) throw new Error("--user is required");
        const u = await services.accounts.findByUsername(values.user);
        if (!u) throw new Error(`no user named ${values.user} (create one with: user create --username ${values.user})`);
        const t = await services.accounts.createToken(u.userid, values.label);
        console.error(`token ${t.id} for ${u.username} (${u.usertype}); it is shown once:`);
        console.log(t.token);
        return 0;
      }
      case "token revoke":
        await services.accounts.revokeToken(Number(values.id));
        console.log(`revoked token ${values.id}`);
        return 0;
      case "import": {
        const { runImportCommand } = await import("./imports/cli-import.js");
        return await runImportCommand(services, sub, { preserveIds: !!values["preserve-ids"], username: values.user });
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`vellum: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
