-- Argo CD action resume: remove the annotation accounts.operator.dev/paused.
-- When it was the only annotation, the whole map goes: Argo CD encodes an
-- empty Lua table as [] and then keeps the live map in its place, so an empty
-- table would leave the Account paused.
local annotations = obj.metadata.annotations
if annotations ~= nil then
  annotations["accounts.operator.dev/paused"] = nil
  if next(annotations) == nil then
    obj.metadata.annotations = nil
  end
end
return obj
