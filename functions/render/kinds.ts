/**
 * The kinds of mail, as the renderer's importers have always read them: derived from the registry
 * in `functions/kinds/` (one module per kind), re-exported here.
 */
export {
  BULK_KINDS,
  type BulkKind,
  isBulkKind,
  isMailKind,
  MAIL_KINDS,
  type MailKind,
  type TransactionalKind,
} from '../kinds/index.js';
