// dynalite on a thread of its own: the DynamoDB stand-in is the busiest part of the
// local stack, and on its own event loop it uses a second core instead of queuing
// behind the handlers. Plain JavaScript so the worker needs no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const counts = new Map();
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('request', (req) => {
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = `dynamodb:${target.split('.')[1] ?? target}`;
  counts.set(op, (counts.get(op) ?? 0) + 1);
});
server.on('error', (error) =>
  parentPort.postMessage({ type: 'error', message: String(error.message ?? error) }),
);
server.listen(workerData.port, workerData.host, () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message.type === 'counts') parentPort.postMessage({ type: 'counts', counts: [...counts] });
  if (message.type === 'stop') {
    server.closeAllConnections?.();
    server.close(() => parentPort.postMessage({ type: 'stopped' }));
  }
});
