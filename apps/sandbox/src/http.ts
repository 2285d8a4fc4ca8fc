import express, { type Express } from 'express';
import type { MessageLog } from './messages.ts';
import { twilioRoutes } from './twilio/routes.ts';
import { vonageRoutes } from './vonage/routes.ts';

/** The sandbox's HTTP side: the fake provider APIs plus the message log for tests and demos. */
export function createHttpApp(log: MessageLog): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/messages', (req, res) => {
    const { to } = req.query;
    if (to !== undefined && typeof to !== 'string') {
      res.status(400).json({ error: { code: 'invalid_query', message: 'to must be given once' } });
      return;
    }
    res.json(log.list(to));
  });

  app.delete('/messages', (_req, res) => {
    log.clear();
    res.status(204).end();
  });

  app.use(twilioRoutes(log));
  app.use(vonageRoutes(log));

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such sandbox endpoint' } });
  });
  return app;
}
