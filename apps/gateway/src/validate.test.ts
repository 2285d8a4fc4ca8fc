import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiError, jsonOf, type Served, serve } from './test-support.ts';
import { parseBody } from './validate.ts';

const schema = z.strictObject({
  to: z.string().min(3),
  options: z.strictObject({ length: z.number().int().min(4).max(10).default(6) }).default({ length: 6 }),
});

let served: Served;

beforeAll(async () => {
  served = await serve((app) => {
    app.use(express.json());
    app.post('/parse', (req, res) => {
      res.json({ parsed: parseBody(schema, req) });
    });
  });
});

afterAll(() => served.close());

const post = (body: string | undefined, contentType?: string) =>
  fetch(`${served.url}/parse`, {
    method: 'POST',
    ...(contentType ? { headers: { 'content-type': contentType } } : {}),
    ...(body === undefined ? {} : { body }),
  });

describe('parseBody', () => {
  it("returns the schema's output, defaults filled in", async () => {
    const response = await post('{"to":"a@example.com"}', 'application/json');
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ parsed: { to: 'a@example.com', options: { length: 6 } } });
  });

  it('answers 415 unsupported_media_type when no JSON body was parsed', async () => {
    for (const response of [await post(undefined), await post('to=a@example.com', 'text/plain')]) {
      expect(response.status).toBe(415);
      expect((await apiError(response)).code).toBe('unsupported_media_type');
    }
  });

  it('answers 400 validation_failed listing every issue by its dotted field', async () => {
    const response = await post('{"to":"a","options":{"length":3},"extra":1}', 'application/json');
    expect(response.status).toBe(400);
    const error = await apiError(response);
    expect(error.code).toBe('validation_failed');
    const issues = (error.details?.issues ?? []) as { field: string; message: string }[];
    expect(issues.map((issue) => issue.field).sort()).toEqual(['', 'options.length', 'to']);
    for (const issue of issues) expect(issue.message).not.toBe('');
  });
});
