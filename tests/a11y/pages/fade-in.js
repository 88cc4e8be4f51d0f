// ?duration=60s makes the fade outlast any check's wait for animations.
const duration = new URLSearchParams(location.search).get("duration");
if (duration) document.getElementById("panel").style.transitionDuration = duration;
document.getElementById("show").addEventListener("click", () => {
  document.getElementById("panel").classList.add("shown");
});
