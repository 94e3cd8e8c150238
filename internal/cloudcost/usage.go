package cloudcost

import "strings"

// zoneRegion is the region of an availability zone (us-east-1a -> us-east-1).
func zoneRegion(zone string) string {
	n := len(zone)
	if n < 2 || zone[n-1] < 'a' || zone[n-1] > 'z' || zone[n-2] < '0' || zone[n-2] > '9' {
		return ""
	}
	return zone[:n-1]
}

// usageTypeRegions maps the region prefix of an AWS usage type (USE2-BoxUsage)
// to the region code. Usage in us-east-1 mostly has no prefix.
var usageTypeRegions = map[string]string{
	"USE1": "us-east-1", "USE2": "us-east-2", "USW1": "us-west-1", "USW2": "us-west-2",
	"CAN1": "ca-central-1", "SAE1": "sa-east-1", "AFS1": "af-south-1", "MES1": "me-south-1",
	"EU": "eu-west-1", "EUW1": "eu-west-1", "EUW2": "eu-west-2", "EUW3": "eu-west-3",
	"EUC1": "eu-central-1", "EUC2": "eu-central-2", "EUN1": "eu-north-1", "EUS1": "eu-south-1",
	"APE1": "ap-east-1", "APN1": "ap-northeast-1", "APN2": "ap-northeast-2", "APN3": "ap-northeast-3",
	"APS1": "ap-southeast-1", "APS2": "ap-southeast-2", "APS3": "ap-south-1", "APS4": "ap-southeast-3",
	"UGW1": "us-gov-west-1", "UGE1": "us-gov-east-1",
}

// usageTypeRegion is the region named by the prefix of a usage type, or "".
func usageTypeRegion(usageType string) string {
	prefix, _, ok := strings.Cut(usageType, "-")
	if !ok {
		return ""
	}
	return usageTypeRegions[prefix]
}

// instanceUsagePrefixes are the usage type stems whose suffix (after the
// colon) is an instance type: EC2 on-demand, spot, dedicated and host usage,
// SageMaker's ml.* instances, and Cost Explorer groups by INSTANCE_TYPE.
var instanceUsagePrefixes = []string{"BoxUsage:", "SpotUsage:", "DedicatedUsage:", "HostUsage:", "HostBoxUsage:",
	"ReservedHostUsage:", "UnusedBox:", "Notebk:", "Train:", "Host:", "TrainSpot:", "Processing:",
	"INSTANCE_TYPE="}

// instanceType returns the instance type a usage type is billed for, or "".
// USE2-BoxUsage:p3.2xlarge -> p3.2xlarge; USE1-Train:ml.p3.2xlarge -> p3.2xlarge.
func instanceType(usageType string) string {
	for _, p := range instanceUsagePrefixes {
		if i := strings.Index(usageType, p); i >= 0 {
			return strings.TrimPrefix(usageType[i+len(p):], "ml.")
		}
	}
	return ""
}

// gpuFamilies are the instance families with GPUs or machine-learning
// accelerators (NVIDIA and AMD GPUs, Inferentia, Trainium, Gaudi, FPGAs).
var gpuFamilies = []string{"p2", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6",
	"g2", "g3", "g3s", "g4dn", "g4ad", "g5", "g5g", "g6", "g6e", "g6f", "gr6", "g7e",
	"inf1", "inf2", "trn1", "trn1n", "trn2", "dl1", "dl2q", "f1", "f2", "vt1"}

// isGPU reports whether a usage type bills GPU or accelerator capacity: an
// instance type of a GPU family (BoxUsage:p3.2xlarge, SpotUsage:g4dn.xlarge),
// or a SKU that names a GPU (other providers write "Nvidia Tesla T4 GPU").
func isGPU(usageType string) bool {
	if it := instanceType(usageType); it != "" {
		family, _, _ := strings.Cut(it, ".")
		family = strings.ToLower(family)
		for _, f := range gpuFamilies {
			if family == f {
				return true
			}
		}
		return false
	}
	u := strings.ToLower(usageType)
	return strings.Contains(u, "gpu") || strings.Contains(u, "nvidia")
}

// computeServices are the services that run code, as CUR product codes and
// as Cost Explorer SERVICE names.
var computeServices = map[string]bool{
	"AmazonEC2": true, "AmazonECS": true, "AmazonEKS": true, "AWSLambda": true, "AmazonSageMaker": true,
	"Amazon Elastic Compute Cloud - Compute":          true,
	"EC2 - Other":                                     true,
	"Amazon Elastic Container Service":                true,
	"Amazon Elastic Container Service for Kubernetes": true,
	"Amazon Elastic Kubernetes Service":               true,
	"AWS Lambda":                                      true,
	"Amazon SageMaker":                                true,
}

// isCompute reports whether spend is compute: a compute service, or an
// instance usage type of any service.
func isCompute(service, usageType string) bool {
	return computeServices[service] || instanceType(usageType) != "" ||
		strings.Contains(usageType, "Fargate") || strings.Contains(usageType, "Lambda-GB-Second")
}
