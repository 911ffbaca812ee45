// A function shipped as a container image built FROM lambda-node (see Dockerfile).
export const handler = async (event) => ({
  message: `hello ${event.name ?? 'world'} from a container image`,
  node: process.version,
  runtime: process.execPath,
});
