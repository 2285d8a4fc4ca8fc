import { Router } from 'express';
import { z } from 'zod';
import type { FaultBook } from './book.ts';
import { faultSchema } from './fault.ts';

/** `POST /faults` adds a fault (201, with its id), `GET /faults` lists them, `DELETE /faults` clears all. */
export function faultRoutes(faults: FaultBook): Router {
  const router = Router();

  router.post('/faults', (req, res) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'invalid_fault', message: z.prettifyError(parsed.error) } });
      return;
    }
    res.status(201).json(faults.add(parsed.data));
  });

  router.get('/faults', (_req, res) => {
    res.json(faults.list());
  });

  router.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  return router;
}
