// npm scripts must run on the Node from the `node` devDependency (>= 22), not the system Node.
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(
    `agent-fleet needs Node >= 22 but npm ran ${process.version} (${process.execPath}). ` +
      "Run `npm ci` so node_modules/.bin/node (the `node` devDependency) exists.",
  );
  process.exit(1);
}
