/** SMTP: email through any mail server, with nodemailer, DKIM-signed when configured. */
export { type DkimConfig, dkimAligned, dkimConfigSchema } from './dkim.ts';
export { createSmtpEmail, type SmtpEmailConfig, smtpEmailConfigSchema } from './email.ts';
