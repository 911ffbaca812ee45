// Starts aws-lambda-ric 3.x the way the managed nodejs22.x runtime's /var/runtime/index.mjs does:
// run(LAMBDA_TASK_ROOT, _HANDLER) from an ES module, so a failed init surfaces as an uncaught
// exception from top-level await.
import { run } from '../../node_modules/aws-lambda-ric-3/dist/index.mjs';

await run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
