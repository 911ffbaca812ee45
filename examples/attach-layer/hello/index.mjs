// The function the three examples deploy: an ordinary Node handler; the layer brings Node.
export const handler = async (event) => ({
  message: `hello, ${event?.name ?? 'world'}`,
  node: process.version,
  // /opt/bin/node when the layer's Node runs it.
  execPath: process.execPath,
});
