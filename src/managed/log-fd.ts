// Managed Instances log through a file descriptor the platform hands over a Unix socket
// (_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET): connect, then write to the connection's own fd.
// Without the variable (the RIE, local runs) it is stdout, fd 1.
import { createConnection, type Socket } from 'node:net';
import type { RuntimeConfig } from '../config.ts';
import { LEVELS } from '../logging/format.ts';
import { fdSink } from '../logging/sink.ts';
import { createLogger, patchConsole, type LogContext, type Logger } from '../logging/console-patch.ts';

// Held so the connection (and so its fd) lives as long as the thread.
const held = new Set<Socket>();

export function acquireLogFd(socketPath: string | undefined): Promise<{ fd: number; warning?: string }> {
  if (!socketPath) return Promise.resolve({ fd: 1 });
  return new Promise((resolve) => {
    const fallBack = (why: string) => resolve({ fd: 1, warning: `lambda-node: logging to stdout: the log socket ${socketPath} ${why}` });
    const socket = createConnection(socketPath);
    socket.once('error', (err) => fallBack(`is not usable (${err.message})`));
    socket.once('connect', () => {
      const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) {
        socket.destroy();
        fallBack('gave no file descriptor');
        return;
      }
      socket.unref();
      held.add(socket);
      resolve({ fd });
    });
  });
}

/**
 * A thread's logger in this mode, with the global console patched: JSON records always (as
 * aws-lambda-ric 4.x writes them here), errors in the shape AWS_LAMBDA_LOG_FORMAT asks for.
 */
export async function managedLogger(config: RuntimeConfig, context: LogContext): Promise<Logger> {
  const { fd, warning } = await acquireLogFd(config.logSocket);
  const logger = createLogger({ flavour: 4, json: true, errorsJson: config.logJson, minLevel: config.logLevel, sink: fdSink(fd), context });
  patchConsole(logger, config.logLevel);
  if (warning) logger.log(LEVELS.WARN, warning);
  return logger;
}
