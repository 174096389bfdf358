// Preloaded (`node --require`) into published servers that listen on every interface when given
// only a port (server-everything's `app.listen(PORT)`): binds them to 127.0.0.1 instead. The
// package's own code runs unchanged; only the address it listens on is pinned to loopback.
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1');
  if (first && typeof first === 'object' && !first.path && first.host === undefined) args[0] = { ...first, host: '127.0.0.1' };
  return listen.apply(this, args);
};
