import express, { type ErrorRequestHandler, type Express } from 'express';
import type { SandboxContext } from './context.ts';
import { faultRoutes } from './faults/routes.ts';
import { field } from './fields.ts';
import { twilioRoutes } from './twilio/routes.ts';
import { vonageRoutes } from './vonage/routes.ts';

/**
 * The sandbox's HTTP side: the fake provider APIs, plus the message log, the request counts and
 * the fault controls for tests and demos.
 */
export function createHttpApp(context: SandboxContext): Express {
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
    res.json(context.log.list(to));
  });

  app.delete('/messages', (_req, res) => {
    context.log.clear();
    context.requests.reset();
    res.status(204).end();
  });

  app.get('/requests', (_req, res) => {
    res.json(context.requests.snapshot());
  });

  app.use(faultRoutes(context.faults));
  app.use(twilioRoutes(context));
  app.use(vonageRoutes(context));

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such sandbox endpoint' } });
  });
  app.use(unparsableBody);
  return app;
}

/** A body that is not the JSON or form it claims to be gets a JSON 400, not express's HTML page. */
const unparsableBody: ErrorRequestHandler = (error, _req, res, next) => {
  const status = field(error, 'status');
  if (typeof status !== 'number' || status < 400 || status > 499) {
    next(error);
    return;
  }
  res.status(status).json({ error: { code: 'invalid_body', message: 'The request body could not be read' } });
};
