/* The exact bytes a position signs, byte for byte as crisisdesk.engines.signing.position_message
   builds them in Python, so the server verifies a browser signature exactly as a CLI one:

     crisisdesk-position/1\ncase:REF\ndecision:ID\nversion:N\ntext-sha256:HEX\nmember:XX\n
     position:P\nreason:JSON\n\n  followed by the text itself, all UTF-8.

   JSON is Python's json.dumps(reason, ensure_ascii=False). JSON.stringify produces the same
   characters for any well-formed string: both escape only the quote, the backslash and
   controls below U+0020 (\b \f \n \r \t by name, the rest as \u00xx in lowercase hex).
   A lone surrogate is the one difference, and Python could not encode it as UTF-8 either,
   so such a reason is refused here. */
(function (global) {
  "use strict";
  var PREFIX = "crisisdesk-position/1";
  var encoder = new TextEncoder();

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function sha256Hex(text) {
    return global.crypto.subtle.digest("SHA-256", encoder.encode(text)).then(hex);
  }

  function jsonString(value) {
    if (typeof value !== "string") { throw new TypeError("the reason must be text"); }
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
      throw new RangeError("the reason contains an unpaired surrogate");
    }
    return JSON.stringify(value);
  }

  function positionMessage(p) {
    var reason = jsonString(p.reason || "");
    return sha256Hex(p.text).then(function (digest) {
      var header = [
        PREFIX,
        "case:" + p.case,
        "decision:" + p.decision,
        "version:" + p.version,
        "text-sha256:" + digest,
        "member:" + p.member,
        "position:" + p.position,
        "reason:" + reason,
        "",
        ""
      ].join("\n");
      return encoder.encode(header + p.text);
    });
  }

  global.crisisdesk = global.crisisdesk || {};
  global.crisisdesk.positionMessage = positionMessage;
  global.crisisdesk.sha256Hex = sha256Hex;
  global.crisisdesk.hex = hex;
})(window);
