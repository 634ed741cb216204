// The benchmark peer of the serving load run (tests/MaaS.Benchmarks/load/peer.sh): what a team writes instead of
// adopting a gateway. One Node.js process, node:http, onnxruntime-node's InferenceSession (its own intra-op threads),
// the KServe V2 JSON infer route for FP32 inputs, a readiness route, nothing else (no auth, metrics, logs or batching).
// Usage: node server.js --port 18090 --model <model.onnx> [--name example-mlp]
'use strict';
const http = require('node:http');
const ort = require('onnxruntime-node');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', '18090'));
const modelPath = arg('model');
const name = arg('name', 'example-mlp');

const fail = (res, status, message) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
};

async function infer(session, body) {
  const request = JSON.parse(body);
  const feeds = {};
  for (const input of request.inputs) {
    if (input.datatype !== 'FP32') throw new Error(`unsupported datatype ${input.datatype}`);
    feeds[input.name] = new ort.Tensor('float32', Float32Array.from(input.data.flat(Infinity)), input.shape);
  }
  const results = await session.run(feeds);
  return {
    model_name: name,
    model_version: '1',
    id: request.id,
    outputs: Object.entries(results).map(([key, t]) => ({ name: key, datatype: 'FP32', shape: t.dims, data: Array.from(t.data) })),
  };
}

ort.InferenceSession.create(modelPath).then((session) => {
  const route = `/v2/models/${name}/infer`;
  http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v2/health/ready') {
      res.writeHead(200);
      res.end();
      return;
    }
    if (req.method !== 'POST' || req.url !== route) {
      fail(res, 404, `no route ${req.method} ${req.url}`);
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      infer(session, Buffer.concat(chunks).toString('utf8')).then(
        (answer) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        },
        (error) => fail(res, 400, String(error.message)));
    });
  }).listen(port, '127.0.0.1', () => console.log(`peer ready on 127.0.0.1:${port}, model ${modelPath}`));
});
