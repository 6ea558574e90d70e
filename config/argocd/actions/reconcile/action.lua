-- Argo CD action reconcile: ask the operator to observe the upstream now
-- (annotation accounts.operator.dev/reconcile-requested-at, set to the current
-- UTC time; the operator echoes it in status.lastHandledReconcileAt).
-- Argo CD's VM has no global os: its reduced os library (time, date) is
-- reached only through require.
local os = require("os")
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["accounts.operator.dev/reconcile-requested-at"] = os.date("!%Y-%m-%dT%XZ")
return obj
