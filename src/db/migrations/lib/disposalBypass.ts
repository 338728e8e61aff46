/**
 * The sanctioned disposal path as a trigger function tests it (0007 "refuse_when_locked"): the
 * `casebook.disposal` flag is set, the call stack runs through `dispose_case_content`, and the
 * current user owns that SECURITY DEFINER function (in production the NOLOGIN disposal role).
 * `then` is what the trigger does on that path (default: let the row through). The trigger must
 * declare `v_ctx text`. `literal` is the schema as a quoted literal.
 */
export function disposalBypass(literal: string, then = `IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;`): string {
  return `
      IF coalesce(current_setting('casebook.disposal', true), '') <> '' THEN
        GET DIAGNOSTICS v_ctx = PG_CONTEXT;
        IF strpos(v_ctx, 'dispose_case_content(') > 0 AND EXISTS (
             SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname = 'dispose_case_content' AND n.nspname = ${literal}
                AND p.prosecdef AND pg_catalog.pg_get_userbyid(p.proowner) = current_user) THEN
          ${then}
        END IF;
      END IF;`;
}
