import { CHANNELS, STATUSES } from '@sendcode/policy';
import { z } from 'zod';

/** The values requests and answers share. Enums come from the tables the code itself uses. */

/** How a code travels. */
export const channel = z.enum(CHANNELS);

/** A verification's life: `pending` until it is approved, expires, locks, is canceled or fails. */
export const verificationStatus = z.enum(STATUSES);

/** Verification ids as we mint them; anything else is answered 404 without touching Redis. */
export const verificationId = z.string().regex(/^ver_[0-9a-f]{32}$/);
