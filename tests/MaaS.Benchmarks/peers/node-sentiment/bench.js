// Sentences/s of the npm `sentiment` package (AFINN-165) in one thread over the MR sentences, and its accuracy on
// them, for the interleaved comparison in ../../Text/sentiment-vs-afinn.sh.
// Usage: node bench.js <mr folder> [seconds, default 5]
'use strict';
const fs = require('fs');
const path = require('path');
const Sentiment = require('sentiment');

const folder = process.argv[2];
const seconds = Number(process.argv[3] || 5);
const read = (file) => fs.readFileSync(path.join(folder, file), 'utf8').split('\n').filter((l) => l.trim().length > 0);
const negative = read('rt-polarity.neg');
const positive = read('rt-polarity.pos');
const texts = negative.concat(positive);
const sentiment = new Sentiment();

// A tie (score 0, no AFINN word or a balance) is read as positive: half of MR is, so it is the neutral guess.
let correct = 0;
let ties = 0;
texts.forEach((text, i) => {
  const score = sentiment.analyze(text).score;
  if (score === 0) ties++;
  if ((score >= 0) === (i >= negative.length)) correct++;
});

function pass(limitNs) {
  const start = process.hrtime.bigint();
  let done = 0;
  let sink = 0;
  while (process.hrtime.bigint() - start < limitNs) {
    for (let i = 0; i < texts.length; i += 1) {
      sink += sentiment.analyze(texts[i]).score;
    }
    done += texts.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { rate: done / elapsed, sink };
}

pass(BigInt(1e9)); // warm-up: JIT
const { rate } = pass(BigInt(Math.round(seconds * 1e9)));
console.log(`afinn sentences/s: ${rate.toFixed(0)}  accuracy: ${(correct / texts.length * 100).toFixed(2)} %  ties: ${ties}  sentences: ${texts.length}`);
