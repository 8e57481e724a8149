// The upload form's progress bar: htmx reports the upload's progress as `htmx:xhr:progress` on the form.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("#upload-form") : null;
  if (!form || !event.detail.lengthComputable) { return; }
  var box = form.querySelector(".upload-progress");
  var bar = form.querySelector("progress");
  var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  box.hidden = false;
  bar.value = percent;
  bar.textContent = percent + " %";
});

// A refused file answers 400 with the page that says why: show it (htmx swaps only 2xx by default).
document.addEventListener("htmx:beforeSwap", function (event) {
  if (document.getElementById("upload-form") && event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
