-- Argo CD action pause: stop every upstream call for the Account
-- (annotation accounts.operator.dev/paused: "true").
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["accounts.operator.dev/paused"] = "true"
return obj
