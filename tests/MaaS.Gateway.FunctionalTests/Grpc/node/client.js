// Drives the gateway's gRPC endpoint with @grpc/grpc-js and @grpc/proto-loader, loading the project's .proto files:
// reads a plan (JSON: address, proto directory, calls; argv[2]), makes each call in order and writes one JSON array of
// results to argv[3]. The C# test (GrpcNodeClientTests) writes the plan and checks the answers against /v2 over HTTP, so this
// script only transports: bytes fields travel as base64, 64-bit integers as strings, enums by name. For Triton's system
// shared memory extension a call may also write bytes into a POSIX shared memory object before it is made
// ("writeShm": [{path, offset, base64}]) and read bytes back after it answers ("readShm": [{path, offset, length}],
// returned as "shm": [base64]), as a client beside the server does through /dev/shm. A call with "stream": [requests]
// is a bidirectional stream (ModelStreamInfer): every request written, the writing ended, and the answers read to the
// stream's status, returned as "responses" with the status.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const definition = protoLoader.loadSync(path.join(plan.protoDir, 'grpc_service.proto'), {
    includeDirs: [plan.protoDir],
    keepCase: true,
    longs: String,
    enums: String,
    bytes: String,
    defaults: true,
    arrays: true,
    oneofs: true,
  });
  const inference = grpc.loadPackageDefinition(definition).inference;
  const client = new inference.GRPCInferenceService(plan.address, grpc.credentials.createInsecure());
  const results = [];
  for (const call of plan.calls) {
    for (const write of call.writeShm || []) {
      const fd = fs.openSync(write.path, 'r+');
      fs.writeSync(fd, Buffer.from(write.base64, 'base64'), 0, undefined, write.offset);
      fs.closeSync(fd);
    }
    const result = await invoke(client, call);
    if (call.readShm) {
      result.shm = call.readShm.map((read) => {
        const bytes = Buffer.alloc(read.length);
        const fd = fs.openSync(read.path, 'r');
        fs.readSync(fd, bytes, 0, read.length, read.offset);
        fs.closeSync(fd);
        return bytes.toString('base64');
      });
    }
    results.push(result);
  }
  client.close();
  fs.writeFileSync(process.argv[3], JSON.stringify(results));
}

function invoke(client, call) {
  const metadata = new grpc.Metadata();
  if (call.authorization) {
    metadata.set('authorization', call.authorization);
  }
  if (call.apiKey) {
    metadata.set('x-api-key', call.apiKey);
  }
  for (const [key, value] of Object.entries(call.headers || {})) {
    metadata.set(key, value);
  }
  // Every call has a deadline (60 s unless the plan sets one): a call the server never answered would otherwise keep
  // this process, and the test waiting for it, alive for ever.
  const options = { deadline: new Date(Date.now() + (call.deadlineMs || 60000)) };
  if (call.stream) {
    return invokeStream(client, call, metadata, options);
  }
  return new Promise((resolve) => {
    client[call.rpc](call.request, metadata, options, (error, response) => {
      if (error) {
        resolve({ name: call.name, ok: false, code: error.code, status: grpc.status[error.code], details: error.details });
      } else {
        resolve({ name: call.name, ok: true, response });
      }
    });
  });
}

// The stream is over once its status has come and its reading has ended (by its end, or by the error a status that is
// not OK raises), whichever of the two comes last.
function invokeStream(client, call, metadata, options) {
  return new Promise((resolve) => {
    const responses = [];
    let status = null;
    let over = false;
    const settle = () => {
      if (status !== null && over) {
        const ok = status.code === grpc.status.OK;
        resolve({ name: call.name, ok, code: status.code, status: grpc.status[status.code], details: status.details, responses });
      }
    };
    const stream = client[call.rpc](metadata, options);
    stream.on('data', (response) => responses.push(response));
    stream.on('status', (s) => { status = s; settle(); });
    stream.on('error', () => { over = true; settle(); });
    stream.on('end', () => { over = true; settle(); });
    for (const request of call.stream) {
      stream.write(request);
    }
    stream.end();
  });
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});
