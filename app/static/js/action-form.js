// The action form: "Done on" matters only while the status is "done", so it is shown only
// then (without this script it is always shown, with a hint saying so).
const actionStatus = document.getElementById("action-status");
const doneOn = document.querySelector(".st-done-on");
if (actionStatus && doneOn) {
  const sync = () => { doneOn.hidden = actionStatus.value !== "done"; };
  actionStatus.addEventListener("change", sync);
  sync();
}
