// A function that finishes its work at shutdown: with this listener lambda-node registers an
// internal extension, so Lambda sends SIGTERM (then SIGKILL after 500 ms) instead of SIGKILL alone.
const pending = [];

process.on('SIGTERM', async () => {
  console.log(`SIGTERM received: flushing ${pending.length} record(s)`);
  await new Promise((resolve) => setTimeout(resolve, 100)); // e.g. send `pending` somewhere
  console.log('flushed before exit');
});

export const handler = async (event) => {
  pending.push(event);
  return 'served';
};
