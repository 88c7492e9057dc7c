import { strict as assert } from "assert";
import { al2023ImageId, instanceArchitecture, isInstanceTypeName } from "../../components/aws/server-instance-types";

describe("server instance types", () => {
    it("tells Graviton (arm64) families from x86_64 ones", () => {
        for (const t of ["t4g.micro", "t4g.small", "m7g.medium", "c6gn.large", "m6gd.xlarge", "r8g.large", "x2gd.medium", "im4gn.large", "is4gen.large", "hpc7g.4xlarge", "a1.medium"]) {
            assert.equal(instanceArchitecture(t), "arm64", t);
        }
        for (const t of ["t3.micro", "t3a.small", "m7i.large", "m7i-flex.large", "m7a.medium", "c5n.large", "g4ad.xlarge", "g4dn.xlarge", "t2.micro"]) {
            assert.equal(instanceArchitecture(t), "x86_64", t);
        }
        for (const t of ["small", "t4g", "T4G.small", "t4g.small.extra", ""]) {
            assert.equal(instanceArchitecture(t), undefined, t);
            assert.equal(isInstanceTypeName(t), false, t);
        }
    });

    it("names the newest Amazon Linux 2023 image through an SSM parameter per architecture", () => {
        assert.equal(al2023ImageId("arm64"), "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        assert.equal(al2023ImageId("x86_64"), "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    });
});
