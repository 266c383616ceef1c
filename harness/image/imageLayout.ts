/**
 * The file layout of an image, made on this machine by following its Dockerfile: each stage gets
 * a root directory, `WORKDIR`/`COPY`/`ENV`/`USER`/`ENTRYPOINT` are done as BuildKit does them,
 * and a `RUN` runs in the stage's directory with its absolute paths put under the stage root. No
 * base image is needed, so the runtime is this machine's (the same Node major as the base image).
 * An instruction this does not follow fails the build instead of being skipped.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, posix } from "node:path";
import { copyArgs, DockerfileError, envArgs, execForm, parseDockerfile, type Stage } from "./dockerfile.ts";

export interface ImageLayout {
  /** The final stage's root directory (the image's `/`). */
  root: string;
  /** The final `WORKDIR`, as in the image. */
  workdir: string;
  /** The final `WORKDIR` on this machine. */
  workdirOnHost: string;
  entrypoint: string[];
  env: Record<string, string>;
  user?: string;
  exposed: string[];
}

export interface LayoutOptions {
  /** The build context. */
  context: string;
  dockerfile: string;
  /** Where the stage roots go (one directory each). */
  scratch: string;
  /** Extra environment for RUN (e.g. `npm_config_prefer_offline`); PATH decides which node/npm run. */
  runEnv?: NodeJS.ProcessEnv;
  /**
   * RUN parts (split at `&&`) left out here, each with the reason: e.g. `npm cache clean --force`,
   * which shrinks an image but here would empty this machine's npm cache.
   */
  skipRunParts?: Record<string, string>;
}

export function buildImageLayout(options: LayoutOptions): ImageLayout {
  const stages = parseDockerfile(readFileSync(options.dockerfile, "utf8"));
  const roots = new Map<string, string>();
  let layout: ImageLayout | undefined;
  stages.forEach((stage, index) => {
    const root = join(options.scratch, `stage-${index}-${stage.name}`);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    layout = followStage(stage, root, roots, options);
  });
  return layout as ImageLayout;
}

function followStage(
  stage: Stage,
  root: string,
  roots: Map<string, string>,
  options: LayoutOptions,
): ImageLayout {
  let workdir = "/";
  const env: Record<string, string> = {};
  const state: Omit<ImageLayout, "root" | "workdir" | "workdirOnHost" | "env"> = {
    entrypoint: [],
    exposed: [],
  };
  const onHost = (path: string) => join(root, posix.resolve(workdir, path));
  for (const instruction of stage.instructions) {
    const where = `${basename(options.dockerfile)} line ${instruction.line}`;
    switch (instruction.keyword) {
      case "WORKDIR":
        workdir = posix.resolve(workdir, instruction.args);
        mkdirSync(onHost("."), { recursive: true });
        break;
      case "ENV":
        Object.assign(env, envArgs(instruction));
        break;
      case "USER":
        state.user = instruction.args;
        break;
      case "EXPOSE":
        state.exposed.push(...instruction.args.split(/\s+/));
        break;
      case "ENTRYPOINT":
        state.entrypoint = execForm(instruction);
        break;
      case "COPY": {
        const { from, sources, dest } = copyArgs(instruction);
        const sourceRoot = from === undefined ? options.context : roots.get(from);
        if (!sourceRoot) throw new DockerfileError(`${where}: COPY --from=${from}: no such earlier stage`);
        const into = dest.endsWith("/") || sources.length > 1;
        for (const source of sources) {
          const path =
            from === undefined ? join(sourceRoot, source) : join(sourceRoot, posix.resolve("/", source));
          if (!existsSync(path))
            throw new DockerfileError(`${where}: COPY ${source}: not found in ${from ?? "the context"}`);
          // A directory's contents go into the destination, a file into it when it names a directory.
          const target =
            !statSync(path).isDirectory() && into ? join(onHost(dest), basename(path)) : onHost(dest);
          cpSync(path, target, { recursive: true, verbatimSymlinks: true });
        }
        break;
      }
      case "RUN":
        for (const part of instruction.args.split("&&").map((text) => text.trim())) {
          if (options.skipRunParts?.[part] !== undefined) continue;
          // Absolute paths in the command are paths of the stage's filesystem.
          const command = part.replace(/(^|\s)\/(?=\w)/g, `$1${root}/`);
          execFileSync("sh", ["-c", command], {
            cwd: onHost("."),
            env: { ...process.env, ...env, ...options.runEnv },
            stdio: ["ignore", "pipe", "pipe"],
          });
        }
        break;
      default:
        throw new DockerfileError(`${where}: ${instruction.keyword} is not followed by the layout build`);
    }
  }
  return { root, workdir, workdirOnHost: onHost("."), env, ...state };
}
