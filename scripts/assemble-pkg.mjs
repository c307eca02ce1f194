console.log("assemble placeholder")
