/**
 * Baseline for the accept scenario: an express hello-world JSON POST server (express.json() body
 * parser, one JSON answer), the least any express JSON API does per request. Listens on BENCH_PORT.
 */
import express from 'express';

const app = express();
app.use(express.json());
app.post('/v1/verifications', (req, res) => {
  res.status(201).json({ hello: 'world', received: typeof req.body === 'object' });
});
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.listen(Number(process.env.BENCH_PORT), '127.0.0.1');
